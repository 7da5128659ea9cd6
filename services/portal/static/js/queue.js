/* Registrations saved on this phone: IndexedDB store, Idempotency-Key made here, sent by
   itself whenever a page of the portal is open with a connection. Exactly once: the key
   travels with every attempt, and intake answers a repeat with the child it already made. */
'use strict';
(function () {
  const DB = 'portal-registrations', STORE = 'queue';
  const texts = (document.getElementById('queue-texts') || {dataset: {}}).dataset;
  const user = document.body.dataset.user || '';
  let sending = false, retryTimer = null;
  /* Sends the server confirmed since the last save, kept across the pages of this tab. */
  let sentNow = Number(sessionStorage.getItem('portal-sent') || 0);

  function newKey() {
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  function open() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, {keyPath: 'key'});
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function tx(mode, work) {
    return open().then((db) => new Promise((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const result = work(t.objectStore(STORE));
      t.oncomplete = () => { db.close(); resolve(result && 'result' in result ? result.result : result); };
      t.onerror = () => { db.close(); reject(t.error); };
      t.onabort = () => { db.close(); reject(t.error || new Error('aborted')); };
    }));
  }

  const all = () => tx('readonly', (s) => s.getAll());
  const put = (item) => tx('readwrite', (s) => { s.put(item); });
  const remove = (key) => tx('readwrite', (s) => { s.delete(key); });

  function fieldsOf(form) {
    const out = {};
    new FormData(form).forEach((value, name) => {
      if (name === 'csrf_token' || name === 'idempotency_key') return;
      if (name in out) out[name] = [].concat(out[name], value); else out[name] = value;
    });
    if (out['screening.concerns'] && !Array.isArray(out['screening.concerns'])) {
      out['screening.concerns'] = [out['screening.concerns']];
    }
    return out;
  }

  function save(form) {
    const keyInput = form.querySelector('input[name=idempotency_key]');
    const fields = fieldsOf(form);
    const item = {key: keyInput.value, owner: user, fields: fields, state: 'waiting',
      label: ((fields['child.given_name'] || '') + ' ' + (fields['child.family_name'] || '')).trim(),
      savedAt: new Date().toISOString(), lastAttempt: null, result: null};
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => null);
    sentNow = 0;
    sessionStorage.removeItem('portal-sent');
    return put(item).then(() => item);
  }

  async function token() {
    const r = await fetch('/children/queue/token', {credentials: 'same-origin',
      headers: {Accept: 'application/json'}, cache: 'no-store'});
    if (r.status === 401) return null;
    if (!r.ok) throw new Error('token ' + r.status);
    return (await r.json()).csrf_token;
  }

  async function sendOne(item, csrf) {
    item.lastAttempt = new Date().toISOString();
    let answer;
    try {
      const r = await fetch('/children/queue', {method: 'POST', credentials: 'same-origin',
        cache: 'no-store', body: JSON.stringify({fields: item.fields}),
        headers: {'Content-Type': 'application/json', Accept: 'application/json',
          'X-CSRFToken': csrf, 'Idempotency-Key': item.key}});
      answer = await r.json().catch(() => ({status: 'waiting'}));
    } catch (err) {
      answer = {status: 'waiting'};
    }
    if (answer.status === 'sent') {
      await remove(item.key);
      sentNow += 1;
      sessionStorage.setItem('portal-sent', String(sentNow));
    } else {
      item.state = answer.status === 'needs_you' ? 'needs_you' : 'waiting';
      item.result = answer.status === 'needs_you' ? answer : null;
      await put(item);
    }
    return answer;
  }

  async function flush() {
    if (sending || !user || !navigator.onLine) return render();
    sending = true;
    try {
      const waiting = (await all()).filter((i) => i.state === 'waiting' && i.owner === user);
      if (waiting.length) {
        const csrf = await token();
        if (!csrf) { render('login'); return; }
        for (const item of waiting) {
          const answer = await sendOne(item, csrf);
          if (answer.status === 'login') { render('login'); return; }
          if (answer.status === 'waiting') break;
        }
      }
    } catch (err) {
      /* no connection: everything stays saved and is tried again */
    } finally {
      sending = false;
    }
    return render();
  }

  function stateText(item) {
    if (item.state === 'needs_you') {
      return item.result && item.result.kind === 'duplicate' ? texts.duplicate : texts.fields;
    }
    return item.owner === user ? texts.waiting : texts.otherUser;
  }

  async function render(problem) {
    const panel = document.getElementById('queue-panel');
    let items = [];
    try { items = await all(); } catch (err) { items = []; }
    const loginNote = document.getElementById('queue-waiting-login');
    if (loginNote) loginNote.hidden = items.length === 0;
    if (!panel) return;
    panel.textContent = '';
    if (!items.length && !sentNow) { panel.hidden = true; return; }
    panel.hidden = false;
    const title = document.createElement('h2');
    title.textContent = items.length ? texts.title : texts.allSent;
    title.id = items.length ? 'queue-title' : 'queue-all-sent';
    panel.appendChild(title);
    if (problem === 'login') appendNote(panel, texts.login);
    const list = document.createElement('ul');
    list.className = 'queue-items';
    items.forEach((item) => list.appendChild(row(item)));
    if (items.length) panel.appendChild(list);
    if (!items.length && sentNow) appendNote(panel, texts.sentCount.replace('{n}', String(sentNow)));
  }

  function appendNote(panel, text) {
    const p = document.createElement('p');
    p.className = 'hint';
    p.textContent = text;
    panel.appendChild(p);
  }

  function row(item) {
    const li = document.createElement('li');
    li.className = 'queue-item state-' + item.state;
    li.dataset.key = item.key;
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = item.label || '—';
    const state = document.createElement('span');
    state.className = 'badge';
    state.textContent = stateText(item);
    li.append(name, ' ', state);
    if (item.lastAttempt) {
      const when = document.createElement('span');
      when.className = 'hint';
      when.textContent = ' ' + texts.lastAttempt + ' ' + new Date(item.lastAttempt).toLocaleString('ru-RU');
      li.appendChild(when);
    }
    if (item.state === 'needs_you' && item.owner === user) {
      const a = document.createElement('a');
      a.href = '/children/new#resume=' + item.key;
      a.className = 'button secondary';
      a.textContent = texts.open;
      li.appendChild(a);
    }
    return li;
  }

  function fill(form, fields) {
    Object.keys(fields).forEach((name) => {
      const values = [].concat(fields[name]);
      form.querySelectorAll('[name="' + name + '"]').forEach((el) => {
        if (el.type === 'checkbox' || el.type === 'radio') el.checked = values.includes(el.value);
        else el.value = values[0];
      });
    });
  }

  async function resume(form) {
    const match = location.hash.match(/^#resume=([A-Za-z0-9-]+)$/);
    if (!match) return;
    const item = (await all()).find((i) => i.key === match[1]);
    if (!item) return;
    fill(form, item.fields);
    form.querySelector('input[name=idempotency_key]').value = item.key;
    form.dataset.resumed = item.key;
  }

  function say(form, text, kind) {
    let note = document.getElementById('save-note');
    if (!note) {
      note = document.createElement('div');
      note.id = 'save-note';
      form.parentNode.insertBefore(note, form);
    }
    note.className = 'notice ' + kind;
    note.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    note.textContent = text;
  }

  function attach(form) {
    let busy = false;
    /* A key of this phone's own for every form opened: a copy served from the cache must never
       give two registrations the same key. */
    form.querySelector('input[name=idempotency_key]').value = newKey();
    resume(form);
    form.addEventListener('submit', async (event) => {
      const via = event.submitter;
      if (form.dataset.resumed || (via && via.name)) {
        if (form.dataset.resumed) sessionStorage.setItem('portal-resumed', form.dataset.resumed);
        return; /* settling a duplicate or a refused field: the server's own form flow */
      }
      event.preventDefault();
      if (busy) return;
      busy = true;
      const button = form.querySelector('button[type=submit]');
      if (button) button.disabled = true;
      try {
        const item = await save(form);
        if (!navigator.onLine) throw new Error('offline');
        const answer = await sendOne(item, await token());
        if (answer.status === 'sent') {
          sessionStorage.removeItem('portal-sent'); /* sent at once: the next page says so itself */
          location.assign(answer.next || '/children');
          return;
        }
        if (answer.status === 'needs_you') { await remove(item.key); form.submit(); return; }
        throw new Error(answer.status);
      } catch (err) {
        if (err && err.name === 'QuotaExceededError') { say(form, texts.quota, 'error'); busy = false; if (button) button.disabled = false; return; }
        say(form, texts.saved, 'success');
        form.reset();
        form.querySelector('input[name=idempotency_key]').value = newKey();
        window.scrollTo(0, 0);
        render();
      }
      busy = false;
      if (button) button.disabled = false;
    });
  }

  const resumed = sessionStorage.getItem('portal-resumed');
  if (resumed && /^\/children/.test(location.pathname) && location.search.includes('registered=')) {
    sessionStorage.removeItem('portal-resumed');
    remove(resumed).catch(() => null);
  }

  window.PortalQueue = {
    unsent: () => all().then((items) => items.length).catch(() => 0),
    clearAll: () => tx('readwrite', (s) => { s.clear(); }).catch(() => null),
    flush: flush,
  };

  const form = document.getElementById('registration-form');
  if (form) attach(form);
  window.addEventListener('online', flush);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) flush(); });
  retryTimer = setInterval(flush, 20000);
  flush();
})();
