// "Select all on this page" (approvals/retroactive_bulk.html): a checkbox with
// data-select-all="NAME" ticks or clears every checkbox called NAME in its form, and shows
// itself as mixed when only some are ticked. Without this script the box stays hidden and each
// account is ticked on its own. No inline code: the CSP allows none.
(function () {
  "use strict";

  function setUp(all) {
    var form = all.form;
    var name = all.getAttribute("data-select-all");
    if (!form || !name) return;
    var boxes = function () {
      return Array.prototype.slice.call(form.querySelectorAll('input[type=checkbox][name="' + name + '"]'));
    };
    var sync = function () {
      var list = boxes();
      var ticked = list.filter(function (b) { return b.checked; }).length;
      all.checked = list.length > 0 && ticked === list.length;
      all.indeterminate = ticked > 0 && ticked < list.length;
    };
    all.addEventListener("change", function () {
      boxes().forEach(function (b) { b.checked = all.checked; });
      all.indeterminate = false;
    });
    form.addEventListener("change", function (event) {
      if (event.target !== all && event.target.name === name) sync();
    });
    sync();
    var box = all.closest("[data-select-all-box]");
    if (box) box.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-select-all]").forEach(setUp);
  });
})();
