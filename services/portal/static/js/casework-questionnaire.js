// The questionnaire's skip logic in the page: a follow-up question appears as soon as the
// answer that asks it is given, and disappears (with its answer cleared) when that answer
// changes. Without this script the server does the same after each save.
(function () {
  "use strict";
  var form = document.getElementById("cfm-form");
  if (!form) { return; }
  var shownField = document.getElementById("cfm-shown");
  var questions = Array.prototype.slice.call(form.querySelectorAll(".cw-question"));

  function answerOf(code) {
    var checked = form.querySelector('input[name="' + code + '"]:checked');
    return checked ? parseInt(checked.value, 10) : null;
  }

  function isAsked(question) {
    var gates = question.getAttribute("data-asked-if");
    if (!gates) { return true; }
    gates = JSON.parse(gates);
    return Object.keys(gates).every(function (code) {
      return gates[code].indexOf(answerOf(code)) !== -1;
    });
  }

  function clear(question) {
    question.querySelectorAll("input:checked").forEach(function (input) {
      input.checked = false;
    });
  }

  function update() {
    // Gates always come before the questions they open, so one pass in order is enough.
    var shown = [];
    questions.forEach(function (question) {
      var asked = isAsked(question);
      if (!asked) { clear(question); }
      question.hidden = !asked;
      if (asked) { shown.push(question.getAttribute("data-code")); }
    });
    shownField.value = shown.join(",");
  }

  form.addEventListener("change", update);
  update();
}());
