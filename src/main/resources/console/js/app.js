// The console's shell: sign-in, the hash router (#/responses/<id> opens that response's chain), and the nav.
import { forgetKey, key, setKey, takeKeyFromUrl, Unauthorized, get } from './api.js';
import { clear, h } from './dom.js';
import { responsesView, showError } from './responses.js';
import { chainView } from './chain.js';
import { conversationsView, conversationView } from './conversations.js';
import { liveView } from './live.js';

const view = document.getElementById('view');
const login = document.getElementById('login');
const nav = document.getElementById('nav');
const logout = document.getElementById('logout');
let running = new AbortController();

function signedOut(message = '') {
  forgetKey();
  nav.hidden = true;
  logout.hidden = true;
  document.getElementById('who').textContent = '';
  clear(view);
  login.hidden = false;
  document.getElementById('login-error').textContent = message;
  document.getElementById('key').focus();
}

async function route() {
  running.abort();
  running = new AbortController();
  if (!key()) return signedOut();
  login.hidden = true;
  nav.hidden = false;
  logout.hidden = false;
  const [, name = 'responses', id] = location.hash.split('/');
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.view === name);
  try {
    if (name === 'responses' && id) await chainView(view, decodeURIComponent(id));
    else if (name === 'background') await responsesView(view, { background: true });
    else if (name === 'conversations' && id) await conversationView(view, decodeURIComponent(id));
    else if (name === 'conversations') await conversationsView(view);
    else if (name === 'live') await liveView(view, running.signal);
    else await responsesView(view);
  } catch (err) {
    if (err instanceof Unauthorized) signedOut('That key was not accepted.');
    else showError(view)(err);
  }
}

login.addEventListener('submit', async (e) => {
  e.preventDefault();
  setKey(document.getElementById('key').value.trim());
  document.getElementById('key').value = '';
  await whoAmI();
  await route();
});
logout.addEventListener('click', () => signedOut());
window.addEventListener('hashchange', route);

async function whoAmI() {
  try {
    const page = await get('/responses', { limit: 1 });
    document.getElementById('who').textContent = page.scope === 'admin' ? 'admin: every tenant' : `tenant ${page.tenant}`;
  } catch {
    // route() reports it
  }
}

takeKeyFromUrl();
if (key()) await whoAmI();
await route();
