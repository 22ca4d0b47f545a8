/* The chat widget: a button that opens a chat with the store's assistant, on every customer page.

   It talks to the conversation API (/api/v1/assistant/conversations), keeps the conversation id in
   sessionStorage so a reload carries on, and draws every reply type. Text is only ever set with
   textContent (nothing the server or the customer wrote becomes markup), and links are only the store's
   own paths or http(s) carrier pages. No inline script or style (the pages' CSP forbids both). */
(function () {
  "use strict";

  var root = document.getElementById("chat");
  if (!root || !window.fetch || !window.JSON) { return; }

  var endpoint = root.getAttribute("data-endpoint");
  var contactUrl = root.getAttribute("data-contact") || "/contact/";
  var ID_KEY = "shopdesk.chat.id";
  var OPEN_KEY = "shopdesk.chat.open";
  var POLL_MS = 10000;
  var RESTARTED = "Our earlier conversation has ended, so this is a new one.";

  var state = { id: stored(ID_KEY), seen: 0, busy: false, handedOver: false, loaded: false, timer: null, offered: [] };

  // --- storage (a browser may refuse it: the chat still works for this page) -------------------
  function stored(key) {
    try { return window.sessionStorage.getItem(key); } catch (e) { return null; }
  }
  function store(key, value) {
    try {
      if (value === null) { window.sessionStorage.removeItem(key); } else { window.sessionStorage.setItem(key, value); }
    } catch (e) { /* private mode: nothing kept */ }
  }

  // --- small DOM helpers ------------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function safeHref(url) {
    // The store's own paths, or a carrier's http(s) page; nothing else becomes a link.
    if (typeof url !== "string" || !url) { return null; }
    if (url.charAt(0) === "/" && url.charAt(1) !== "/" && url.charAt(1) !== "\\") { return url; }
    if (/^https?:\/\//i.test(url)) { return url; }
    return null;
  }
  function link(url, text, external) {
    var href = safeHref(url);
    if (!href) { return el("span", null, text); }
    var a = el("a", null, text);
    a.href = href;
    if (external) { a.rel = "noopener noreferrer"; a.target = "_blank"; }
    return a;
  }
  function dateLabel(iso) {
    if (!iso) { return ""; }
    var when = new Date(iso);
    if (isNaN(when.getTime())) { return String(iso); }
    return when.toLocaleDateString(undefined, { day: "numeric", month: "short" }) + " " +
      when.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  }
  // A text whose data names a URL that also appears in the text: that part becomes a link.
  function textWithLink(className, text, url) {
    var p = el("p", className);
    var href = safeHref(url);
    var at = href ? text.indexOf(url) : -1;
    if (at < 0) { p.textContent = text; return p; }
    p.appendChild(document.createTextNode(text.slice(0, at)));
    p.appendChild(link(href, url));
    p.appendChild(document.createTextNode(text.slice(at + url.length)));
    return p;
  }

  // --- the widget's parts -----------------------------------------------------------------------
  var fallback = root.querySelector(".chat-launch");
  var launcher = el("button", "chat-launch", "Chat with us");
  launcher.type = "button";
  launcher.setAttribute("aria-haspopup", "dialog");
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "chat-panel");

  var panel = el("div", "chat-panel");
  panel.id = "chat-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-modal", "false");
  panel.setAttribute("aria-labelledby", "chat-title");
  panel.hidden = true;

  var head = el("div", "chat-head");
  var title = el("h2", "chat-title", "Chat with us");
  title.id = "chat-title";
  var close = el("button", "chat-close");
  close.type = "button";
  close.setAttribute("aria-label", "Close the chat");
  close.appendChild(el("span", null, "×")).setAttribute("aria-hidden", "true");
  head.appendChild(title);
  head.appendChild(close);

  var log = el("div", "chat-log");
  log.id = "chat-log";
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", "Conversation");
  log.tabIndex = 0; // scrollable with the keyboard

  var actions = el("div", "chat-actions");
  actions.setAttribute("role", "group");
  actions.setAttribute("aria-label", "Suggested answers");

  var form = el("form", "chat-form");
  form.noValidate = true;
  var label = el("label", "visually-hidden", "Message for the assistant");
  label.htmlFor = "chat-input";
  var input = el("input", "chat-input");
  input.id = "chat-input";
  input.type = "text";
  input.autocomplete = "off";
  input.maxLength = 2000;
  input.placeholder = "Type your question";
  var send = el("button", "chat-send", "Send");
  send.type = "submit";
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(send);

  var hint = el("p", "chat-hint");
  hint.id = "chat-hint";
  hint.setAttribute("aria-live", "polite");
  hint.hidden = true;
  input.setAttribute("aria-describedby", "chat-hint");

  var foot = el("p", "chat-foot");
  foot.appendChild(document.createTextNode("Prefer email? "));
  foot.appendChild(link(contactUrl, "Write to us"));

  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(actions);
  panel.appendChild(form);
  panel.appendChild(hint);
  panel.appendChild(foot);

  if (fallback) { root.replaceChild(launcher, fallback); } else { root.appendChild(launcher); }
  root.appendChild(panel);

  // --- drawing replies ------------------------------------------------------------------------
  function bubble(speaker, node) {
    var item = el("div", "chat-msg chat-msg-" + speaker);
    var who = el("span", "visually-hidden", speaker === "customer" ? "You said: " : speaker === "agent" ? "Our care team: " : "Assistant: ");
    item.appendChild(who);
    item.appendChild(node);
    return item;
  }

  function drawOrder(reply) {
    var d = reply.data || {};
    var card = el("div", "chat-card chat-order");
    var h = el("p", "chat-card-title");
    h.appendChild(link(d.url, "Order " + (d.number || "")));
    card.appendChild(h);
    card.appendChild(el("p", null, reply.text));
    var facts = el("p", "chat-facts");
    [d.fulfilment_label, d.payment_label, d.total].forEach(function (fact) {
      if (fact) { facts.appendChild(el("span", "badge", fact)); facts.appendChild(document.createTextNode(" ")); }
    });
    card.appendChild(facts);
    if (d.items && d.items.length) {
      var list = el("ul", "chat-items");
      d.items.forEach(function (item) { list.appendChild(el("li", null, item)); });
      card.appendChild(list);
    }
    return card;
  }

  function drawTimeline(reply) {
    var d = reply.data || {};
    var card = el("div", "chat-card chat-timeline");
    card.appendChild(el("p", "chat-card-title", reply.text));
    if (d.items && d.items.length) {
      card.appendChild(el("p", "chat-muted", "In this package: " + d.items.join(", ")));
    }
    if (d.events && d.events.length) {
      var list = el("ol", "chat-events");
      d.events.forEach(function (event) {
        var li = el("li");
        var time = el("time", "chat-muted", dateLabel(event.at));
        time.dateTime = event.at || "";
        li.appendChild(time);
        li.appendChild(document.createTextNode(" " + (event.status_label || "") + (event.location ? ", " + event.location : "")));
        list.appendChild(li);
      });
      card.appendChild(list);
    }
    if (d.tracking_url) {
      var track = el("p");
      track.appendChild(link(d.tracking_url, "Track with " + (d.carrier || "the carrier") + (d.tracking_number ? " (" + d.tracking_number + ")" : ""), true));
      card.appendChild(track);
    }
    return card;
  }

  function drawRefund(reply) {
    var d = reply.data || {};
    var card = el("div", "chat-card chat-refund");
    card.appendChild(el("p", null, reply.text));
    var rows = d.lines || [];
    if (rows.length) {
      var table = el("table", "chat-table");
      table.appendChild(el("caption", "visually-hidden", d.caption || "Refund breakdown"));
      var body = el("tbody");
      rows.forEach(function (row) {
        var tr = el("tr");
        tr.appendChild(el("th", null, row.label)).scope = "row";
        tr.appendChild(el("td", "chat-amount", row.amount));
        body.appendChild(tr);
      });
      if (d.total) {
        var total = el("tr", "chat-total");
        total.appendChild(el("th", null, d.total_label || "Total")).scope = "row";
        total.appendChild(el("td", "chat-amount", d.total));
        body.appendChild(total);
      }
      table.appendChild(body);
      card.appendChild(table);
    }
    return card;
  }

  function drawReturns(reply) {
    var d = reply.data || {};
    var card = el("div", "chat-card chat-returns");
    var items = d.items || [];
    // With the items listed, their sentences are in the list: the text (for text-only channels) would say
    // each of them twice.
    card.appendChild(items.length
      ? el("p", "chat-card-title", "What can be returned" + (d.number ? " from order " + d.number : ""))
      : el("p", null, reply.text));
    if (items.length) {
      var list = el("ul", "chat-eligibility");
      items.forEach(function (item) {
        var li = el("li");
        li.appendChild(el("span", "badge " + (item.allowed ? "badge-ok" : "badge-bad"), item.allowed ? "Can be returned" : "Can't be returned"));
        li.appendChild(document.createTextNode(" " + (item.name || "") + (item.message ? ": " + item.message : "")));
        list.appendChild(li);
      });
      card.appendChild(list);
    }
    if (d.url) { var more = el("p"); more.appendChild(link(d.url, "See it on your order page")); card.appendChild(more); }
    return card;
  }

  function drawReply(reply) {
    var d = reply.data || {};
    switch (reply.type) {
      case "article": {
        var art = el("div", "chat-card chat-article");
        art.appendChild(el("p", "chat-answer", reply.text));
        var more = el("p");
        more.appendChild(link(d.url, "Read more: " + (d.title || "the help article")));
        art.appendChild(more);
        return art;
      }
      case "order": return drawOrder(reply);
      case "timeline": return drawTimeline(reply);
      case "refund": return drawRefund(reply);
      case "returns": return drawReturns(reply);
      case "confirm": {
        var box = el("div", "chat-card chat-confirm");
        box.appendChild(el("p", "chat-card-title", "Please confirm"));
        var details = Array.isArray(d.details) ? d.details : [];
        var text = reply.text || "";
        // The preview ("We'll deliver your order to:") reads before its details, the question after them.
        var lead = typeof d.preview === "string" && d.preview && text.indexOf(d.preview) === 0 ? d.preview : "";
        if (lead) box.appendChild(el("p", "chat-confirm-preview", lead));
        if (details.length) {
          var what = el("ul", "chat-items");
          details.forEach(function (detail) { what.appendChild(el("li", null, detail)); });
          box.appendChild(what);
        }
        box.appendChild(el("p", "chat-confirm-question", lead ? text.slice(lead.length).trim() : text));
        return box;
      }
      case "choices": return el("p", "chat-choices", reply.text);
      case "handoff": {
        var note = el("div", "chat-card chat-handoff");
        note.appendChild(el("p", "chat-card-title", d.ticket ? "Passed to our care team · " + d.ticket : "A person can help"));
        note.appendChild(el("p", null, reply.text));
        return note;
      }
      default:
        return textWithLink("chat-text", reply.text || "", d.url);
    }
  }

  // The end of the log in view; but an answer taller than the log is shown from its start (the order card
  // before the third package), and the shopper scrolls on.
  function scrollDown() {
    var last = log.lastElementChild;
    var tall = last && last.classList.contains("chat-msg-assistant") && last.offsetHeight > log.clientHeight;
    if (tall) {
      log.scrollTop += last.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
    } else {
      log.scrollTop = log.scrollHeight;
    }
  }

  function addCustomer(text) {
    var item = bubble("customer", el("p", null, text));
    log.appendChild(item);
    scrollDown();
    return item;
  }

  function addReplies(speaker, replies) {
    var group = el("div", "chat-replies");
    (replies || []).forEach(function (reply) {
      group.appendChild(drawReply(reply));
      if (reply.type === "handoff") { state.handedOver = true; }
    });
    log.appendChild(bubble(speaker, group));
    scrollDown();
  }

  function addAgent(turn) {
    var group = el("div", "chat-replies");
    var from = turn.replies && turn.replies[0] && turn.replies[0].data ? turn.replies[0].data.from : "";
    group.appendChild(el("p", "chat-card-title", from ? from + ", our care team" : "Our care team"));
    group.appendChild(el("p", "chat-text", turn.text));
    log.appendChild(bubble("agent", group));
    scrollDown();
  }

  function addNotice(text) {
    log.appendChild(el("p", "chat-notice", text));
    scrollDown();
  }

  function setActions(buttons) {
    state.offered = buttons || [];
    actions.textContent = "";
    (buttons || []).forEach(function (button) {
      var b = el("button", "secondary chat-action", button.label);
      b.type = "button";
      b.setAttribute("data-payload", button.payload);
      actions.appendChild(b);
    });
    actions.hidden = !actions.childNodes.length;
    scrollDown(); // the buttons take room from the log: keep its last message in view
  }

  // --- the API --------------------------------------------------------------------------------
  function call(method, path, body) {
    var options = { method: method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(endpoint + path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data, retryAfter: response.headers.get("Retry-After") };
      });
    });
  }

  function problem(result) {
    var error = (result.data && result.data.error) || {};
    if (!result.status) { return "I couldn't reach our server. Check your connection and try again: your message is still in the box."; }
    if (result.status === 404) { return RESTARTED + " Type your question to go on."; }
    if (result.status === 429) {
      return "That's a lot of messages at once: please wait " + (result.retryAfter || "a few") + " seconds and try again.";
    }
    if (result.status === 422 && error.code === "invalid_input") {
      // The schema's own wording names fields: say it in the shopper's terms.
      return "I couldn't take that message: a message is 1 to " + input.maxLength.toLocaleString("en") + " characters.";
    }
    if (result.status === 422) { return error.message || "I couldn't read that message: try again in fewer words."; }
    return "Something went wrong on our side. Try again, or write to us with the contact form.";
  }

  function startConversation() {
    return call("POST", "").then(function (result) {
      if (result.status !== 200 || !result.data.id) { throw result; }
      state.id = result.data.id;
      state.seen = 0;
      state.handedOver = false;
      state.loaded = true; // a new conversation: nothing to fetch, this page holds all of it
      store(ID_KEY, state.id);
      return state.id;
    });
  }

  function post(body, retried) {
    var ready = state.id ? Promise.resolve(state.id) : startConversation();
    return ready.then(function (id) {
      return call("POST", "/" + encodeURIComponent(id) + "/messages", body);
    }).then(function (result) {
      if (result.status === 404 && !retried) {
        // The conversation is gone (the id is from an old session): a message starts a new one and is
        // sent again; a button belonged to the old one, so it isn't.
        state.id = null;
        store(ID_KEY, null);
        if (body.button !== undefined) { return result; }
        return post(body, true).then(function (again) { again.restarted = true; return again; });
      }
      return result;
    });
  }

  // A message that didn't get through: its bubble goes, the text goes back in the box and the buttons
  // come back, so the shopper sends it again without typing it again.
  function unsent(body, echoed, offered, result) {
    if (echoed.parentNode) { echoed.parentNode.removeChild(echoed); }
    if (body.text !== undefined && !input.value) { input.value = body.text; }
    var error = (result.data && result.data.error) || {};
    if (result.status === 422 && error.code === "button_unknown") {
      // Answered meanwhile (another tab, a double click): show the conversation as it now stands.
      log.textContent = "";
      state.seen = 0;
      return load(false).then(function () { addNotice(error.message || "That button is not offered any more."); });
    }
    setActions(offered);
    addNotice(problem(result));
    return Promise.resolve();
  }

  function submit(body, echo) {
    if (state.busy) { return; }
    state.busy = true;
    form.setAttribute("aria-busy", "true");
    send.disabled = true;
    var echoed = addCustomer(echo);
    var offered = state.offered;
    setActions([]);
    post(body).then(function (result) {
      if (result.status === 200) {
        if (result.restarted) { addNotice(RESTARTED); }
        addReplies("assistant", result.data.replies);
        setActions(result.data.actions);
        if (state.handedOver) { startPolling(); }
        return null;
      }
      return unsent(body, echoed, offered, result);
    }).catch(function (result) {
      return unsent(body, echoed, offered, result && result.status ? result : { status: 0, data: {} });
    }).then(function () {
      state.busy = false;
      form.removeAttribute("aria-busy");
      send.disabled = false;
    });
  }

  function buttonLabel(turns, index, payload) {
    for (var i = index - 1; i >= 0; i--) {
      if (turns[i].speaker !== "customer") {
        var found = (turns[i].actions || []).filter(function (b) { return b.payload === payload; })[0];
        if (found) { return found.label; }
      }
    }
    return payload;
  }

  // The transcript drawn again after a reload; later, only what a person from the desk wrote since.
  function load(onlyNew) {
    if (!state.id) { return Promise.resolve(); }
    var query = onlyNew ? "?after=" + state.seen : "";
    return call("GET", "/" + encodeURIComponent(state.id) + query).then(function (result) {
      if (result.status === 404) { state.id = null; store(ID_KEY, null); return; }
      if (result.status !== 200) { return; }
      var turns = result.data.turns || [];
      state.handedOver = state.handedOver || !!result.data.handed_over;
      if (!onlyNew) { log.setAttribute("aria-busy", "true"); }
      var lastActions = null;
      turns.forEach(function (turn, index) {
        if (turn.position <= state.seen) { return; }
        if (turn.speaker === "agent") {
          addAgent(turn);
        } else if (!onlyNew && turn.speaker === "customer") {
          addCustomer(turn.button ? buttonLabel(turns, index, turn.button) : turn.text);
        } else if (!onlyNew) {
          addReplies("assistant", turn.replies);
          lastActions = turn.actions;
        }
        state.seen = Math.max(state.seen, turn.position);
      });
      if (!onlyNew) {
        log.removeAttribute("aria-busy");
        setActions(lastActions || []);
        state.loaded = true;
      }
    }).catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  function startPolling() {
    if (state.timer || panel.hidden || !state.handedOver) { return; }
    state.timer = window.setInterval(function () {
      if (!document.hidden && !state.busy) { load(true); }
    }, POLL_MS);
  }
  function stopPolling() {
    if (state.timer) { window.clearInterval(state.timer); state.timer = null; }
  }

  // --- open and close ---------------------------------------------------------------------------
  function greet() {
    if (!log.childNodes.length) {
      addNotice("Hello! Ask me about an order, shipping, returns, refunds, payments or promotions.");
    }
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("chat-open");
    store(OPEN_KEY, "1");
    var ready = state.id && !state.loaded ? load(false) : Promise.resolve();
    ready.then(function () { greet(); scrollDown(); startPolling(); });
    input.focus();
  }

  function shut() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("chat-open");
    store(OPEN_KEY, null);
    stopPolling();
    launcher.focus();
  }

  launcher.addEventListener("click", function () { if (panel.hidden) { open(); } else { shut(); } });
  close.addEventListener("click", shut);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") { event.preventDefault(); shut(); }
  });
  input.addEventListener("input", function () {
    var full = input.value.length >= input.maxLength;
    if (full !== !hint.hidden) {
      hint.hidden = !full;
      hint.textContent = full ? "A message is up to " + input.maxLength.toLocaleString("en") + " characters: what you typed or pasted beyond that was cut." : "";
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || state.busy) { return; }
    input.value = "";
    hint.hidden = true;
    submit({ text: text }, text);
    input.focus();
  });
  log.addEventListener("click", function (event) {
    // Following a link from the chat (the order page, an article) shows that page, not the chat over it.
    var target = event.target.closest ? event.target.closest("a[href]") : null;
    if (target && target.target !== "_blank") { store(OPEN_KEY, null); }
  });
  actions.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("button[data-payload]") : null;
    if (!target || state.busy) { return; }
    submit({ button: target.getAttribute("data-payload") }, target.textContent);
    input.focus();
  });

  setActions([]);
  if (state.id && stored(OPEN_KEY)) {
    // After a reload the chat opens as it was, without taking the focus from the page.
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("chat-open");
    load(false).then(function () { greet(); scrollDown(); startPolling(); });
  }
})();
