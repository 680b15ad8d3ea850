// 历史遗留 list: "select this page" ticks every row; "select all matching" takes the whole
// filter (the server finds the entries), so the row boxes are set aside while it is on.
(function () {
  "use strict";
  function init() {
    var form = document.querySelector("[data-legacy-form]");
    if (!form) { return; }
    var rows = Array.prototype.slice.call(form.querySelectorAll("input[data-row]"));
    var page = form.querySelector("[data-select-page]");
    var all = form.querySelector("[data-select-all]");
    var count = form.querySelector("[data-selected-count]");
    function update() {
      var ticked = rows.filter(function (box) { return box.checked; }).length;
      rows.forEach(function (box) { box.disabled = all.checked; });
      page.disabled = all.checked;
      page.checked = !all.checked && ticked === rows.length && rows.length > 0;
      page.indeterminate = !all.checked && ticked > 0 && ticked < rows.length;
      count.textContent = all.checked ? "" : "已选 " + ticked + " 条";
    }
    page.addEventListener("change", function () {
      rows.forEach(function (box) { box.checked = page.checked; });
      update();
    });
    all.addEventListener("change", update);
    rows.forEach(function (box) { box.addEventListener("change", update); });
    update();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
