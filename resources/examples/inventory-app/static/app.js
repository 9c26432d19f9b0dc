// Every call goes through api(): it prefixes <meta name="api-base">, which the hosting
// service rewrites when the app is published.
const API_BASE = document.querySelector('meta[name="api-base"]')?.getAttribute('content') ?? '';

async function api(path) {
  const res = await fetch(`${API_BASE}/api/${path}`);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

const money = (n) => n.toLocaleString('en-US', { style: 'currency', currency: 'USD' });
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function showSummary() {
  const s = await api('summary');
  document.getElementById('summary').textContent =
    `${s.products} products · stock value ${money(s.stock_value)} · ${s.low_stock.length} low on stock`;
}

async function showProducts(category) {
  const data = await api(`products?category=${encodeURIComponent(category)}`);
  const select = document.getElementById('category');
  if (select.options.length === 1) {
    for (const c of data.categories) select.add(new Option(c, c));
  }
  document.getElementById('rows').innerHTML = data.items
    .map((p) => `<tr class="${p.stock < 10 ? 'low' : ''}"><td>${esc(p.sku)}</td><td>${esc(p.name)}</td><td>${esc(p.category)}</td><td class="num">${money(p.price)}</td><td class="num">${p.stock}</td></tr>`)
    .join('');
}

function fail(error) {
  const box = document.getElementById('error');
  box.hidden = false;
  box.textContent = `Could not load data: ${error.message}`;
}

document.getElementById('category').addEventListener('change', (e) => showProducts(e.target.value).catch(fail));
Promise.all([showSummary(), showProducts('')]).catch(fail);
