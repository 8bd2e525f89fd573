// Live chat on the staff page (staff/live.ts): shows the family's messages as they come
// (server-sent events) and sends the officer's without reloading the page. Without this
// script the page still works: each form posts and the page comes back.
(() => {
  const section = document.querySelector('[data-live-events]');
  const log = document.getElementById('live-log');
  if (!section || !log) return;
  const status = document.getElementById('live-status');
  const csrf = section.getAttribute('data-csrf') || '';
  let after = Number(section.getAttribute('data-after') || '-1');
  const events = new EventSource(`${section.getAttribute('data-live-events')}?after=${after}`);
  events.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.n <= after) return;
    after = event.n;
    // Text only (textContent): what the family typed is never markup.
    const line = document.createElement('li');
    line.className = `live-${event.kind}`;
    if (event.kind === 'alert') line.setAttribute('role', 'alert');
    const who = document.createElement('strong');
    who.textContent = `${event.who}:`;
    line.append(who, ` ${event.text}`);
    log.append(line);
    if ((event.kind === 'family-left' || event.kind === 'left') && status) {
      status.textContent = event.text;
      const form = document.querySelector('[data-live-send]');
      if (form) form.hidden = true;
    }
  };

  const form = document.querySelector('[data-live-send]');
  if (!form) return;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const box = form.querySelector('textarea');
    const text = box.value;
    if (!text.trim()) return;
    box.value = '';
    const response = await fetch(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ text }),
      credentials: 'same-origin',
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      if (status) status.textContent = body.message || 'That message could not be sent.';
      box.value = text;
    }
    box.focus();
  });
})();
