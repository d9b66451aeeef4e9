// An enhancement of the main menu (templates/includes/menu.html), which works without it:
// opening one submenu closes the others, and Escape or a click outside closes an open one.
document.addEventListener("DOMContentLoaded", () => {
  const submenus = Array.from(document.querySelectorAll("details.helhed-submenu"));
  submenus.forEach((menu) => menu.addEventListener("toggle", () => {
    if (menu.open) submenus.filter((other) => other !== menu).forEach((other) => { other.open = false; });
  }));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = submenus.find((menu) => menu.open);
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });
  document.addEventListener("click", (event) => {
    submenus.filter((menu) => menu.open && !menu.contains(event.target)).forEach((menu) => { menu.open = false; });
  });
});
