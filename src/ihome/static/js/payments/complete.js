// /pay/complete: send the provider's return parameters to PUT /api/v1.0/order/payment and show
// the verified state. The messages come translated from the template's data-* attributes.
(function () {
  "use strict";
  var box = document.querySelector("[data-page=pay-complete]");
  var result = box.querySelector("[data-pay-result]");
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
  window.ihome.api("PUT", "/order/payment", params).then(function (data) {
    box.querySelector("[data-pay-order]").textContent = "#" + data.order_id;
    box.querySelector("[data-pay-status]").textContent = data.status;
    if (data.status === "PAID") {
      show("paid", box.dataset.msgPaid);
    } else if (data.paid) {
      show("refunded", box.dataset.msgRefunded);
    } else {
      show("processing", box.dataset.msgProcessing);
    }
  }, function (error) {
    show("error", error.message);
  });
})();
