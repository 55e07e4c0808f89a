// servicepledge: how the add-in signs in (replaces xlwings Server's static/js/auth.js).
// Entra ID (Microsoft 365): the token comes from Office SSO. Custom tokens: each colleague pastes the
// personal token the administrator gave them into the task pane once; it stays in this Excel's
// add-in storage (localStorage of the add-in's origin).
globalThis.getAuth = async function () {
  if (config.authProviders.includes("entraid")) {
    return { token: await xlwings.getAccessToken(), provider: "entraid" };
  }
  if (config.authProviders.includes("custom")) {
    // saved by the task pane's sign-in box (static/js/main.js)
    return { token: localStorage.getItem("servicepledge-token") || "", provider: "custom" };
  }
  return { token: "", provider: "" };
};
