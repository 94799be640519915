/*
 * The server pages that follow a request (the request page, the approval result page): times in
 * the reader's own time zone and as "3 minutes ago", and the live region fetched again and swapped
 * in place while the request can still change. The server marks the region final
 * (data-final="true") once nothing more will happen, and then this stops asking.
 */
(() => {
  var FOLLOW_EVERY_MS = 2000;
  var relative = typeof Intl.RelativeTimeFormat === 'function' ? new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }) : null;
  var UNITS = [
    ['year', 365 * 24 * 3600],
    ['month', 30 * 24 * 3600],
    ['day', 24 * 3600],
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ];

  /** "3 minutes ago", "just now". */
  function ago(date) {
    const seconds = Math.round((date.getTime() - Date.now()) / 1000);
    if (Math.abs(seconds) < 10 || !relative) return 'just now';
    const [unit, size] = UNITS.find(([, s]) => Math.abs(seconds) >= s) ?? UNITS[UNITS.length - 1];
    return relative.format(Math.round(seconds / size), unit);
  }

  function showTimes(root) {
    Array.prototype.forEach.call(root.querySelectorAll('time[datetime]'), (el) => {
      var date = new Date(el.getAttribute('datetime'));
      if (Number.isNaN(date.getTime())) return;
      var local = date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
      el.textContent = `${ago(date)} (${local})`;
      el.title = date.toString();
    });
  }

  var timer = null;
  function follow() {
    clearTimeout(timer);
    var live = document.querySelector('[data-live]');
    if (!live || live.getAttribute('data-final') === 'true') return;
    timer = setTimeout(refresh, FOLLOW_EVERY_MS);
  }

  function refresh() {
    fetch(window.location.href, { headers: { accept: 'text/html' }, cache: 'no-store', credentials: 'same-origin' })
      .then((res) => (res.ok ? res.text() : Promise.reject(new Error(`HTTP ${res.status}`))))
      .then((text) => {
        const fresh = new DOMParser().parseFromString(text, 'text/html').querySelector('[data-live]');
        const live = document.querySelector('[data-live]');
        if (fresh && live) {
          const adopted = document.importNode(fresh, true);
          live.replaceWith(adopted);
          showTimes(adopted);
          document.dispatchEvent(new Event('vending:live-updated'));
        }
        follow();
      })
      .catch(() => {
        const note = document.querySelector('[data-testid="live-note"]');
        if (note) note.textContent = 'Could not check for news; trying again…';
        timer = setTimeout(refresh, FOLLOW_EVERY_MS * 2);
      });
  }

  showTimes(document);
  follow();
  // Another script changed the request (a button on the page): look now, and follow it again.
  document.addEventListener('vending:refresh', () => {
    clearTimeout(timer);
    refresh();
  });
  // "3 minutes ago" moves on while the page is open.
  setInterval(() => {
    showTimes(document);
  }, 30000);
})();
