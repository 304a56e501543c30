// After django-otp-webauthn's script has registered a passkey on the two-factor set-up
// page, go on to where the member of staff was going (the page's "next" field, checked
// by the server when the page was drawn). Without this the page would stay put, saying
// only that the passkey was added.
document.addEventListener("otp_webauthn.register_complete", () => {
  const next = document.querySelector("input[name='next']");
  window.location.assign(next ? next.value : "/admin/");
});
