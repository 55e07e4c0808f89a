// servicepledge task pane: keep the personal sign-in token (read by static/js/auth.js).
const form = document.getElementById("sp-signin");
if (form) {
  const state = document.getElementById("sp-token-state");
  const show = () => {
    state.textContent = localStorage.getItem("servicepledge-token") ? "已保存 / saved" : "未登录 / not signed in";
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const token = document.getElementById("sp-token").value.trim();
    if (token) localStorage.setItem("servicepledge-token", token);
    else localStorage.removeItem("servicepledge-token");
    document.getElementById("sp-token").value = "";
    show();
  });
  show();
}
