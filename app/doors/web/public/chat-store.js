/*
 * What the chat page keeps in the browser: the profile (this device, localStorage), the API key
 * and the visible conversation (this tab, sessionStorage). The conversation's state is the
 * server's (it continues where it was); the transcript is kept so that a reload shows what was
 * said, per tab like the conversation itself, and gone when the tab is closed. Requests are never
 * kept here: they come from the server (GET /requests?email=).
 */
(() => {
  var PROFILE_KEY = 'vending-bot.profile';
  var API_KEY_KEY = 'vending-bot.api-key';
  var TRANSCRIPT_KEY = 'vending-bot.transcript:';
  /** Enough for any conversation; older lines go first. */
  var MAX_ENTRIES = 200;

  // Either storage may be unavailable (a locked-down browser): the page still works, it just forgets.
  function load(storage, key) {
    try {
      return window[storage].getItem(key);
    } catch {
      return null;
    }
  }
  function save(storage, key, value) {
    try {
      if (value === null) window[storage].removeItem(key);
      else window[storage].setItem(key, value);
    } catch {
      /* not remembered */
    }
  }
  function readJson(storage, key, fallback) {
    try {
      return JSON.parse(load(storage, key) || 'null') || fallback;
    } catch {
      return fallback;
    }
  }

  var transcriptKey = (email) =>
    TRANSCRIPT_KEY +
    String(email || '')
      .trim()
      .toLowerCase();

  window.VendingChat = window.VendingChat || {};
  window.VendingChat.store = {
    profile: () => readJson('localStorage', PROFILE_KEY, {}),
    saveProfile: (p) => save('localStorage', PROFILE_KEY, JSON.stringify(p)),
    apiKey: () => load('sessionStorage', API_KEY_KEY) || '',
    saveApiKey: (key) => save('sessionStorage', API_KEY_KEY, key),
    /** The lines of this person's conversation in this tab: {kind, text, state?, id?, at}. */
    transcript: (email) => readJson('sessionStorage', transcriptKey(email), []),
    remember: (email, entry) => {
      if (!email) return;
      var lines = readJson('sessionStorage', transcriptKey(email), []);
      lines.push(Object.assign({ at: new Date().toISOString() }, entry));
      save('sessionStorage', transcriptKey(email), JSON.stringify(lines.slice(-MAX_ENTRIES)));
    },
  };
})();
