/* Every page: offline banner, service worker, logout guard, server-only pages. */
'use strict';
(function () {
  const banner = document.getElementById('offline-banner');
  function showConnection() { if (banner) banner.hidden = navigator.onLine; }
  window.addEventListener('online', showConnection);
  window.addEventListener('offline', showConnection);
  showConnection();

  const registers = document.body.dataset.registers === 'true';
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', {scope: '/'}).then(() => {
      return navigator.serviceWorker.ready;
    }).then((reg) => {
      if (!reg.active) return;
      reg.active.postMessage(registers ? 'keep-form' : 'forget-form');
    }).catch(() => null);
  }

  /* Forms that need the server (referral answers, assessments, users) say so when offline. */
  const serverOnly = document.getElementById('server-only');
  document.addEventListener('submit', (event) => {
    const target = event.target;
    if (navigator.onLine || !serverOnly || target.id === 'registration-form' ||
        target.method.toLowerCase() === 'get') return;
    event.preventDefault();
    let note = document.getElementById('server-only-note');
    if (!note) {
      note = document.createElement('div');
      note.id = 'server-only-note';
      note.className = 'notice warning';
      note.setAttribute('role', 'alert');
      document.getElementById('main').prepend(note);
    }
    note.textContent = serverOnly.dataset.message;
    window.scrollTo(0, 0);
  }, true);

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
