// Servicekonto-Simulator (test identity provider): submits the SAML response form on its own.
// The page's "Weiter zum Dienst" button does the same without JavaScript.
(function () {
  var form = document.querySelector("form[data-testidp-autosubmit]");
  if (form) form.submit();
})();
