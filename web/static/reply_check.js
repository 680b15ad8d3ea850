// 答复自查: the 检查答复 button posts the draft of the 提交回应 form and lists the findings
// (problems to fix, then what was found fine) without leaving the page. Not a gate: the
// form is submitted as before. Without JavaScript the button posts the form and the page
// comes back with the same list.
(function () {
  "use strict";
  function item(text) {
    var li = document.createElement("li");
    li.textContent = text;
    return li;
  }
  function list(cls, attr, texts) {
    var ul = document.createElement("ul");
    ul.className = "check-list " + cls;
    ul.setAttribute(attr, "");
    texts.forEach(function (t) { ul.appendChild(item(t)); });
    return ul;
  }
  function score(name, label, value) {
    var span = document.createElement("span");
    span.className = name === "score" ? "score total" : "score";
    span.setAttribute("data-score", name);
    span.textContent = label + " " + Math.round(value * 100);
    return span;
  }
  function message(box, cls, text) {
    var p = document.createElement("p");
    p.className = cls;
    p.textContent = text;
    box.appendChild(p);
  }
  function show(box, data) {
    box.textContent = "";
    var scores = document.createElement("div");
    scores.className = "check-scores";
    scores.setAttribute("data-check-scores", "");
    [["relevance", "相关性"], ["completeness", "完整性"], ["interpretability", "可解释性"],
     ["score", "综合"]].forEach(function (pair) {
      scores.appendChild(score(pair[0], pair[1], data[pair[0]]));
    });
    box.appendChild(scores);
    if (data.problems.length) {
      box.appendChild(list("problems", "data-check-problems", data.problems));
    } else {
      message(box, "check-ok", "未发现需要修改的问题。");
      box.lastChild.setAttribute("data-check-problems", "");
    }
    if (data.findings.length) {
      box.appendChild(list("found", "data-check-findings", data.findings));
    }
  }
  function check(panel, button) {
    var form = panel.closest("form");
    var box = panel.querySelector("[data-reply-check-result]");
    button.disabled = true;
    box.textContent = "";
    message(box, "muted", "正在检查…");
    fetch(panel.getAttribute("data-url"), {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (result.ok) { show(box, result.data); return; }
      box.textContent = "";
      message(box, "check-error", result.data.error || "检查没有完成，请稍后再试。");
    }).catch(function () {
      box.textContent = "";
      message(box, "check-error", "检查没有完成，请稍后再试。");
    }).then(function () { button.disabled = false; });
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-reply-check]"), function (panel) {
      var button = panel.querySelector("[data-reply-check-button]");
      button.addEventListener("click", function (event) {
        event.preventDefault();
        check(panel, button);
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
