/* Every page: offline banner, service worker, logout guard, server-only pages. */
'use strict';
(function () {
  const banner = document.getElementById('offline-banner');
  function showConnection() { if (banner) banner.hidden = navigator.onLine; }
  window.addEventListener('online', showConnection);
  window.addEventListener('offline', showConnection);
  showConnection();

  const loggedIn = !!document.body.dataset.user;
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', {scope: '/'}).then(() => {
      return navigator.serviceWorker.ready;
    }).then((reg) => {
      if (!reg.active) return;
      reg.active.postMessage(loggedIn ? 'keep-form' : 'forget-form');
    }).catch(() => null);
  }

  const form = document.getElementById('logout-form');
  const dialog = document.getElementById('logout-confirm');
  if (form && dialog) {
    let confirmed = false;
    form.addEventListener('submit', (event) => {
      if (confirmed || !window.PortalQueue) return;
      event.preventDefault();
      window.PortalQueue.unsent().then((count) => {
        if (count === 0) { confirmed = true; form.submit(); return; }
        const text = document.getElementById('logout-confirm-text');
        text.textContent = text.dataset.template.replace('{n}', String(count));
        dialog.showModal();
      });
    });
    document.getElementById('logout-cancel').addEventListener('click', () => dialog.close());
    document.getElementById('logout-anyway').addEventListener('click', () => {
      window.PortalQueue.clearAll().then(() => { confirmed = true; dialog.close(); form.submit(); });
    });
  }
})();
