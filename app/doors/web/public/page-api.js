/*
 * What the server pages' scripts (My accounts, Products, the request page's buttons) share: calls to the
 * REST door with this tab's API key when the chat page was given one, answers read as JSON, and
 * the person the chat page remembers (chat-store.js).
 */
(() => {
  var store = window.VendingChat?.store;

  function headers(extra) {
    var h = Object.assign({ accept: 'application/json' }, extra || {});
    var key = store ? store.apiKey() : '';
    if (key) h['x-api-key'] = key;
    return h;
  }

  /** {status, data}: the answer's JSON, or an error that says the server answered something else. */
  function call(method, path, body) {
    var init = { method: method, headers: headers(body ? { 'content-type': 'application/json' } : {}), cache: 'no-store' };
    if (body) init.body = JSON.stringify(body);
    return fetch(path, init)
      .then((res) =>
        res.text().then((text) => {
          var data;
          try {
            data = text ? JSON.parse(text) : {};
          } catch {
            data = { error: `The server answered HTTP ${res.status} with something that is not JSON.` };
          }
          return { status: res.status, data: data };
        }),
      )
      .catch(() => ({ status: 0, data: { error: 'Could not reach the server; check the connection and try again.' } }));
  }

  /** What went wrong, in the server's words (a 4xx names the field when it is about one). */
  function errorOf(answer) {
    if (answer.status === 401) return 'This server asks for an API key. Enter it on the chat page (in this tab), then come back here.';
    return answer.data?.error || `The server answered HTTP ${answer.status}.`;
  }

  /** An element with these attributes (none for an undefined or null value) and text. */
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach((k) => {
      if (attrs[k] !== undefined && attrs[k] !== null) node.setAttribute(k, String(attrs[k]));
    });
    if (text) node.textContent = text;
    return node;
  }

  window.VendingPage = {
    el: el,
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    errorOf: errorOf,
    requestPage: (id) => `requests/${encodeURIComponent(id)}`,
    /** {firstName, lastName, email} as the chat page keeps them on this device ({} when unknown). */
    profile: () => (store ? store.profile() : {}),
    /** Behind an API key a request page cannot be opened by a link (the key cannot come with it). */
    usesKey: () => !!store?.apiKey(),
  };
})();
