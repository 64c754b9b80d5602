/* Copy buttons on the filing sheet: <button data-copy-target="ID"> copies the value held by the
 * element #ID (its data-copy-value, else its text) with navigator.clipboard, then says so on the
 * button and to screen readers. Where the clipboard is unavailable (plain http on a LAN address),
 * the text is selected instead so Ctrl+C / ⌘C copies it. */
(function () {
  "use strict";

  function valueOf(source) {
    var stored = source.getAttribute("data-copy-value");
    return stored !== null ? stored : source.textContent.trim();
  }

  function announce(message) {
    var live = document.getElementById("copy-status");
    if (live) live.textContent = message;
  }

  function confirmCopied(button) {
    var original = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", original);
    button.textContent = button.getAttribute("data-copied-label") || "Copied";
    button.classList.add("copied");
    announce(button.textContent + ": " + (button.getAttribute("aria-label") || ""));
    window.setTimeout(function () {
      button.textContent = original;
      button.classList.remove("copied");
    }, 1500);
  }

  function selectText(source) {
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // The older copy command still works without a secure context or when the async clipboard
  // refuses (an unfocused window); if it fails too, the selection stays for Ctrl+C / ⌘C.
  function copyBySelection(source, button) {
    selectText(source);
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    if (copied) confirmCopied(button);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    if (!source) return;
    var text = valueOf(source);
    announce("");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { confirmCopied(button); },
        function () { copyBySelection(source, button); }
      );
    } else {
      copyBySelection(source, button);
    }
  });
})();
