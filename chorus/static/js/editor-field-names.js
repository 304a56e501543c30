/* Names for Wagtail's rich-text (Draftail) editors: loaded on every admin page by
   chorus/core/wagtail_hooks.py. No third-party code, nothing inline (CSP).

   Draftail's editable box (role="textbox") has no accessible name: Wagtail's <label> points
   at the hidden input that carries the value, not at the box people type in, and a rich-text
   block placed directly in a StreamField has no <label> at all, only its panel heading.
   Screen readers then announce an unnamed "edit text" (WCAG 1.3.1, 4.1.2). This gives each
   box aria-labelledby pointing at the visible text that names it. Draftail draws its boxes
   after the page has loaded, and again whenever someone adds, duplicates or restores a
   block, so new boxes are named as they appear. Draft.js never sets aria-labelledby itself
   (Wagtail passes it no ariaLabelledBy), so React leaves the attribute alone on re-render. */
(() => {
  "use strict";

  const TEXTBOX = ".public-DraftEditor-content[role='textbox']";

  function idOf(element, fallback) {
    if (!element.id) element.id = fallback;
    return element.id;
  }

  // A block directly in a StreamField or ListBlock: name it by the field's heading and the
  // block's type ("Body", "Paragraph"), never by the heading's preview of the block's text.
  function streamBlockNameIds(editor) {
    let blockType = null;
    let section = editor.closest("section[data-panel]");
    while (section) {
      const heading = document.getElementById(section.getAttribute("aria-labelledby") || "");
      if (heading) {
        const type = heading.querySelector(":scope > .c-sf-block__type");
        if (type) {
          blockType = blockType || idOf(type, `${heading.id}-type`);
        } else {
          const text = heading.querySelector("[data-panel-heading-text]") || heading;
          return [idOf(text, `${heading.id}-text`), blockType].filter(Boolean);
        }
      }
      section = section.parentElement && section.parentElement.closest("section[data-panel]");
    }
    return blockType ? [blockType] : [];
  }

  function nameIds(editor) {
    const wrapper = editor.closest("[data-draftail-editor-wrapper]");
    const input = wrapper && wrapper.parentElement.querySelector(":scope > input[type='hidden'][id]");
    if (!input) return [];
    // A field of its own (a RichTextField) or a StructBlock's child: a <label> names the input.
    const label =
      document.querySelector(`label[for="${CSS.escape(input.id)}"]`) ||
      input.closest("[data-contentpath]")?.querySelector(":scope > label.w-field__label");
    if (label) return [idOf(label, `${input.id}-label`)];
    return streamBlockNameIds(editor);
  }

  function name(editor) {
    if (editor.hasAttribute("aria-label") || editor.hasAttribute("aria-labelledby")) return;
    const ids = nameIds(editor);
    if (ids.length) editor.setAttribute("aria-labelledby", ids.join(" "));
  }

  function nameWithin(root) {
    if (root.matches(TEXTBOX)) name(root);
    root.querySelectorAll(TEXTBOX).forEach(name);
  }

  nameWithin(document.body);
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType === Node.ELEMENT_NODE) nameWithin(node);
      }
    }
  }).observe(document.body, { childList: true, subtree: true });
})();
