// 答复参考: put a past answer (as a starting point) or a policy citation
// 《标题》（文号）第N条 into the reply text box at the cursor.
(function () {
  "use strict";
  function insert(box, text) {
    var start = box.selectionStart, end = box.selectionEnd;
    if (typeof start !== "number") { start = end = box.value.length; }
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    var at = start + text.length;
    box.focus();
    box.setSelectionRange(at, at);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function citation(button) {
    var text = "《" + button.getAttribute("data-title") + "》";
    var number = button.getAttribute("data-number");
    if (number) { text += "（" + number + "）"; }
    var item = button.closest("li");
    var article = item ? item.querySelector("[data-article]") : null;
    var n = article ? parseInt(article.value, 10) : NaN;
    if (n > 0) { text += "第" + n + "条"; }
    return text;
  }
  function init() {
    document.querySelectorAll("[data-reply-aids]").forEach(function (aids) {
      var box = document.getElementById(aids.getAttribute("data-target"));
      if (!box) { return; }
      aids.addEventListener("click", function (event) {
        var button = event.target.closest("button");
        if (!button) { return; }
        if (button.hasAttribute("data-insert-answer")) {
          var answer = button.getAttribute("data-insert-answer");
          if (box.value.trim() && !window.confirm("答复框中已有内容，是否在光标处插入该答复？")) {
            return;
          }
          insert(box, answer);
        } else if (button.hasAttribute("data-insert-citation")) {
          insert(box, citation(button));
        }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
