// Canned replies without a page load: "Insert into the message" puts the chosen reply's
// text into the message box and moves the focus there. Without JavaScript the same button
// reloads the page with ?reply=<id>, and the server fills the box instead.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.support-canned");
  const box = document.getElementById("id_body");
  const status = document.getElementById("canned-status");
  if (!form || !box) return;
  form.addEventListener("submit", (event) => {
    const option = form.querySelector("select[name=reply]").selectedOptions[0];
    if (!option || option.dataset.text === undefined) return;
    event.preventDefault();
    box.value = option.dataset.text;
    if (status) status.textContent = `“${option.textContent}” is in the message box. Change it to fit before sending.`;
    box.focus();
  });
});
