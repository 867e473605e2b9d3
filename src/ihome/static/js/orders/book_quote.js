// The booking page's money: when the chosen stay or the guests change (book.js sends "ihome:stay"), ask
// GET /houses/<id>/quote and show the nights' subtotal, the service fee and the total as the API writes
// them. Loaded before book.js, so the first "ihome:stay" is heard. The page computes no money.
(function () {
  "use strict";

  var form = document.getElementById("book-form");
  var summary = document.getElementById("book-summary");
  if (!form || !summary) return;
  var amountOut = document.getElementById("amount");
  var feeNote = document.getElementById("fee-note");
  var rows = summary.querySelectorAll(".quote-row");
  var last = { start: "", end: "" };
  var asked = 0;

  function showRows(on) {
    Array.prototype.forEach.call(rows, function (row) { row.hidden = !on; });
    if (feeNote) feeNote.hidden = on;
  }

  function ask() {
    var mine = ++asked;
    if (!last.start || !last.end) { amountOut.textContent = summary.dataset.zero; showRows(false); return; }
    var guests = (form.elements.guests && form.elements.guests.value) || "1";
    var query = new URLSearchParams({ start_date: last.start, end_date: last.end, guests: guests });
    window.ihome.api("GET", "/houses/" + summary.dataset.houseId + "/quote?" + query.toString()).then(function (data) {
      if (mine !== asked) return;
      amountOut.textContent = data.subtotal_display;
      document.getElementById("book-fee").textContent = data.service_fee_display;
      document.getElementById("book-total").textContent = data.amount_display;
      showRows(true);
    }, function (error) {
      if (mine !== asked) return;
      showRows(false);
      window.ihome.showErrors(form, error);
    });
  }

  form.addEventListener("ihome:stay", function (event) {
    if (event.detail.start === last.start && event.detail.end === last.end) return;
    last = { start: event.detail.start, end: event.detail.end };
    ask();
  });
  if (form.elements.guests) form.elements.guests.addEventListener("change", ask);
})();
