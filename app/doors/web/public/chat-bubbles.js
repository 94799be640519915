/*
 * The conversation's lines: a bubble per message, e-mail addresses breakable at sensible points,
 * the newest line kept in view (on a phone the page scrolls too, not only the conversation).
 */
(() => {
  var EMAIL = /[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>().,;:!?]+/g;
  var conversation = document.getElementById('conversation');

  function scrollToEnd() {
    conversation.scrollTop = conversation.scrollHeight;
  }
  /** The last line in view, the page scrolled too when needed (a phone's small screen). */
  function keepInView(el) {
    scrollToEnd();
    if (el && typeof el.scrollIntoView === 'function') el.scrollIntoView({ block: 'nearest' });
  }

  /** Text as nodes, e-mail addresses breakable after the @ and before the dots (never inside a word). */
  function withBreaks(node, text) {
    var at = 0;
    text.replace(EMAIL, (addr, index) => {
      node.appendChild(document.createTextNode(text.slice(at, index)));
      addr.split(/(?=\.)|(?<=@)/).forEach((part, i) => {
        if (i > 0) node.appendChild(document.createElement('wbr'));
        node.appendChild(document.createTextNode(part));
      });
      at = index + addr.length;
      return addr;
    });
    node.appendChild(document.createTextNode(text.slice(at)));
  }

  function bubble(kind, text, testid) {
    var li = document.createElement('li');
    li.className = `bubble ${kind}`;
    if (testid) li.setAttribute('data-testid', testid);
    var who = document.createElement('span');
    who.className = 'who';
    who.textContent = kind === 'user' ? 'You' : kind === 'problem' ? 'Problem' : 'Bot';
    var body = document.createElement('div');
    body.className = 'text';
    withBreaks(body, text); // CSS keeps the line breaks (white-space: pre-wrap)
    li.appendChild(who);
    li.appendChild(body);
    if (kind === 'problem') li.setAttribute('role', 'alert');
    conversation.appendChild(li);
    keepInView(li);
    return li;
  }
  window.VendingChat.bubbles = { add: bubble, scrollToEnd: scrollToEnd, withBreaks: withBreaks };
})();
