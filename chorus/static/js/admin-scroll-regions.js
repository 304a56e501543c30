/* Wagtail's minimap (the list of a form's sections) scrolls when the list is taller than
   the screen, as on a phone or at high zoom. A part of the page that scrolls must be
   reachable by keyboard (WCAG 2.1.1), so the list is given a place in the tab order.
   Loaded on every admin page by chorus/core/wagtail_hooks.py; Wagtail draws the minimap
   after the page loads, so lists are caught as they appear. Nothing inline (CSP). */
(() => {
  "use strict";

  const LIST = ".w-minimap__list";

  function reachable(list) {
    if (list.hasAttribute("tabindex")) return;
    list.tabIndex = 0;
    if (!list.hasAttribute("aria-label")) list.setAttribute("aria-label", "Sections of this form");
  }

  function within(root) {
    if (root.matches && root.matches(LIST)) reachable(root);
    if (root.querySelectorAll) root.querySelectorAll(LIST).forEach(reachable);
  }

  within(document);
  new MutationObserver((records) => {
    records.forEach((record) => record.addedNodes.forEach(within));
  }).observe(document.body, { childList: true, subtree: true });
})();
