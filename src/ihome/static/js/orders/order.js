// The order page: "Print receipt", and the guest's cancel behind a confirmation dialog that says what
// comes back (the server's preview: the page never computes money). After the cancel the page reloads
// and shows the refund.
(function () {
  "use strict";

  var printButton = document.getElementById("print-receipt");
  if (printButton) printButton.addEventListener("click", function () { window.print(); });

  var dialog = document.getElementById("cancel-dialog");
  var open = document.getElementById("order-cancel-open");
  if (!dialog || !open) return;
  var sheet = document.getElementById("order");
  var confirm = document.getElementById("cancel-confirm");
  var errorBox = document.getElementById("cancel-error");

  open.addEventListener("click", function () {
    errorBox.textContent = "";
    dialog.showModal();  // a modal <dialog>: focus moves in, Escape closes it, the page behind is inert
    document.getElementById("cancel-keep").focus();
  });
  document.getElementById("cancel-keep").addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("close", function () { open.focus(); });

  confirm.addEventListener("click", function () {
    window.ihome.busy(confirm, true);
    window.ihome.api("PUT", "/orders/" + sheet.dataset.orderId + "/status", { action: "cancel" }).then(function () {
      window.ihome.flash(dialog.dataset.msgCancelled, false);
      window.location.reload();
    }, function (error) {
      window.ihome.busy(confirm, false);
      errorBox.textContent = error.message;
    });
  });
})();
