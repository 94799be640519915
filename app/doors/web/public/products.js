/*
 * Products: the catalog (GET /products), a chosen product's form (GET /products/:id, built by
 * product-form.js) and, once asked, the new request with a link to its page. The sandbox catalog
 * says that it is simulated. A link may open a product at once (?product=prod-...).
 */
(() => {
  var api = window.VendingPage;
  var data = JSON.parse(document.getElementById('products-data').textContent || '{}');
  var list = document.getElementById('products');
  var note = document.getElementById('products-note');
  var sandbox = document.getElementById('catalog-sandbox');
  var slot = document.getElementById('product-slot');
  var template = document.getElementById('product-template');

  var q = (root, testid) => root.querySelector(`[data-testid="${testid}"]`);

  /** The person's ACTIVE accounts (the places a product may be launched besides where the bot runs). */
  function accounts(email) {
    return api
      .get(`accounts?email=${encodeURIComponent(email)}`)
      .then((answer) => (answer.status === 200 ? (answer.data.accounts || []).filter((a) => a.state === 'ACTIVE') : []));
  }

  function mark(productId) {
    Array.prototype.forEach.call(list.children, (card) => {
      var on = card.getAttribute('data-product-id') === productId;
      card.classList.toggle('chosen', on);
      if (on) card.setAttribute('aria-current', 'true');
      else card.removeAttribute('aria-current');
    });
    var url = new URL(window.location.href);
    if (productId) url.searchParams.set('product', productId);
    else url.searchParams.delete('product');
    window.history.replaceState(null, '', url);
  }

  /** What was asked: the request id, linked to its page (behind an API key a link cannot carry the key). */
  function asked(product, answer) {
    slot.textContent = '';
    var out = document.createElement('p');
    out.className = 'product-result ok';
    out.setAttribute('data-testid', 'product-result');
    out.setAttribute('role', 'status');
    out.appendChild(document.createTextNode(`Asked for ${product.name}: request `));
    var link = document.createElement('a');
    link.setAttribute('data-testid', 'product-request-link');
    link.textContent = answer.requestId;
    if (!api.usesKey()) link.href = api.requestPage(answer.requestId);
    out.appendChild(link);
    var waiting = answer.request?.status === 'PENDING_APPROVAL';
    out.appendChild(document.createTextNode(waiting ? '. It waits for an approver; its page follows it.' : '.'));
    slot.appendChild(out);
  }

  function choose(productId) {
    slot.textContent = '';
    mark(productId);
    if (!productId) return;
    var loading = document.createElement('p');
    loading.className = 'notice';
    loading.textContent = 'Loading the product’s parameters…';
    slot.appendChild(loading);
    api.get(`products/${encodeURIComponent(productId)}`).then((answer) => {
      if (new URL(window.location.href).searchParams.get('product') !== productId) return;
      if (answer.status !== 200) {
        loading.className = 'error';
        loading.setAttribute('data-testid', 'product-load-error');
        loading.textContent = api.errorOf(answer);
        return;
      }
      var product = answer.data;
      var form = window.VendingProductForm.build(product, {
        accounts: accounts,
        botAccount: data.botAccount || 'the account the bot runs in',
        cancel: () => choose(''),
        done: (made) => asked(product, made),
      });
      slot.textContent = '';
      slot.appendChild(form);
      var first = form.querySelector('input, select, textarea');
      if (first) first.focus();
    });
  }

  function render(catalog) {
    sandbox.hidden = catalog.catalog !== 'sandbox';
    list.textContent = '';
    catalog.products.forEach((p) => {
      var card = template.content.firstElementChild.cloneNode(true);
      card.setAttribute('data-product-id', p.id);
      q(card, 'product-name').textContent = p.name;
      var version = q(card, 'product-version');
      version.textContent = p.artifactName || '';
      version.hidden = !p.artifactName;
      q(card, 'product-description').textContent = p.description || '';
      q(card, 'product-owner').textContent = p.owner ? `Owned by ${p.owner}` : '';
      list.appendChild(card);
    });
    var n = catalog.products.length;
    note.textContent = n
      ? `${n} product${n === 1 ? '' : 's'} in the ${catalog.catalog === 'sandbox' ? 'sandbox' : 'Service Catalog'} catalog.`
      : 'The catalog has no products for the bot to vend.';
  }

  list.addEventListener('click', (e) => {
    var button = e.target.closest('button[data-action="choose"]');
    if (button) choose(button.closest('[data-product-id]').getAttribute('data-product-id'));
  });

  api.get('products').then((answer) => {
    if (answer.status !== 200) {
      note.textContent = api.errorOf(answer);
      return;
    }
    render(answer.data);
    var wanted = list.getAttribute('data-chosen');
    if (wanted) choose(wanted);
  });
})();
