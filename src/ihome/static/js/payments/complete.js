// /pay/complete: send the provider's return parameters to PUT /api/v1.0/order/payment and show
// the verified state, in words (the order's status label, never its code). While the payment is
// still being confirmed (the provider's notification has not landed yet) it asks again, a bounded
// number of times. The messages come translated from the template's data-* attributes.
(function () {
  "use strict";
  var box = document.querySelector("[data-page=pay-complete]");
  var result = box.querySelector("[data-pay-result]");
  var statusOut = box.querySelector("[data-pay-status]");
  var labels = JSON.parse(statusOut.dataset.labels || "{}");
  var RECHECKS = 10, RECHECK_MS = 1000;
  var params = {};
  new URLSearchParams(window.location.search).forEach(function (value, key) { params[key] = value; });

  function show(state, text) {
    result.dataset.state = state;
    result.textContent = text;
    result.classList.toggle("error", state === "error");
  }

  if (!params.out_trade_no || !params.sign) {
    show("missing", box.dataset.msgMissing);
    return;
  }
  function check(left) {
    window.ihome.api("PUT", "/order/payment", params).then(function (data) {
      box.querySelector("[data-pay-order]").textContent = "#" + data.order_id;
      statusOut.textContent = labels[data.status] || "";
      statusOut.dataset.status = data.status;
      if (data.status === "PAID") {
        show("paid", box.dataset.msgPaid);
      } else if (data.paid) {
        show("refunded", box.dataset.msgRefunded);
      } else {
        show("processing", box.dataset.msgProcessing);
        if (left > 0) window.setTimeout(function () { check(left - 1); }, RECHECK_MS);
      }
    }, function (error) {
      show("error", error.message);
    });
  }
  check(RECHECKS);
})();
