// A conversation thread: send with the JSON API, and poll GET messages?after=<last id> while the tab is visible.
// Polling starts every 4 s, slows down (x1.5 each time, up to 30 s) while nothing arrives, speeds up again on news,
// and stops while the tab is hidden. Message text is set with textContent: never parsed as HTML.
(function () {
  "use strict";

  var list = document.getElementById("messages");
  if (!list) return;
  var id = list.dataset.conversationId;
  var me = Number(list.dataset.me);
  var guestId = Number(list.dataset.guestId);
  var canWrite = list.dataset.canWrite === "true";
  var last = Number(list.dataset.lastId) || 0;
  var empty = document.getElementById("no-messages");
  var form = document.getElementById("message-form");
  var FAST = 4000, SLOW = 30000;
  var delay = FAST, timer = null, inFlight = false;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function when(iso) {
    var d = new Date(iso);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" +
      pad(d.getMinutes());
  }

  function render(message) {
    if (list.querySelector('[data-message-id="' + message.message_id + '"]')) return;
    var li = document.createElement("li");
    li.className = "message " + (message.sender_id === me ? "mine" : "theirs") +
      (message.sender_id === guestId ? " from-guest" : "");
    li.dataset.messageId = message.message_id;
    var text = document.createElement("p");
    text.className = "message-text";
    text.textContent = message.text;
    var time = document.createElement("time");
    time.className = "muted small";
    time.dateTime = message.created_at;
    time.textContent = when(message.created_at);
    li.appendChild(text);
    li.appendChild(time);
    if (message.masked) {
      var note = document.createElement("span");
      note.className = "muted small message-masked";
      note.textContent = list.dataset.maskedNote;
      li.appendChild(note);
    }
    list.appendChild(li);
    if (empty) empty.hidden = true;
  }

  function markRead() {
    if (!canWrite) return Promise.resolve();
    return ihome.api("PUT", "/conversations/" + id + "/read").then(function () {
      if (window.ihome.refreshUnread) window.ihome.refreshUnread();
    }).catch(function () { /* the next poll tries again */ });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = document.hidden ? null : window.setTimeout(poll, delay);
  }

  function poll() {
    if (inFlight || document.hidden) return Promise.resolve();
    inFlight = true;
    return ihome.api("GET", "/conversations/" + id + "/messages?after=" + last).then(function (data) {
      var fromOthers = false;
      data.messages.forEach(function (message) {
        render(message);
        last = Math.max(last, message.message_id);
        if (message.sender_id !== me) fromOthers = true;
      });
      if (data.messages.length) {
        list.lastElementChild.scrollIntoView({ block: "end" });
        delay = FAST;
      } else {
        delay = Math.min(Math.round(delay * 1.5), SLOW);
      }
      list.dataset.lastId = String(last);
      if (fromOthers) return markRead();
      return null;
    }).catch(function () {
      delay = SLOW;
    }).then(function () {
      inFlight = false;
      schedule();
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      window.clearTimeout(timer);
      timer = null;
    } else {
      delay = FAST;
      poll();
    }
  });

  if (form) {
    var textarea = form.querySelector("textarea");
    var button = document.getElementById("message-send");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = textarea.value.trim();
      if (!text) return;
      ihome.busy(button, true);
      ihome.api("POST", "/conversations/" + id + "/messages", { text: text }).then(function () {
        textarea.value = "";
        document.getElementById("flash").hidden = true;
        delay = FAST;
        return poll();
      }).catch(function (error) {
        ihome.showErrors(form, error);
      }).then(function () {
        ihome.busy(button, false);
        textarea.focus();
      });
    });
  }

  if (list.lastElementChild) list.lastElementChild.scrollIntoView({ block: "end" });
  markRead();
  schedule();
})();
