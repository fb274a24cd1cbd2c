// Small, optional enhancements. BOK works the same with JavaScript off.
document.addEventListener('DOMContentLoaded', () => {
  // Move focus to the error summary so keyboard and screen-reader users hear the problems at once.
  const summary = document.querySelector('[data-error-summary]')
  if (summary) summary.focus()
  // Error summary links focus the field itself, not only scroll to it.
  document.querySelectorAll('.error-summary__list a[href^="#"]').forEach((a) => {
    a.addEventListener('click', (e) => {
      const field = document.getElementById(a.getAttribute('href').slice(1))
      if (field) {
        e.preventDefault()
        field.focus()
      }
    })
  })
  // Confirm irreversible actions (forms marked data-confirm).
  document.querySelectorAll('form[data-confirm]').forEach((form) => {
    form.addEventListener('submit', (e) => {
      if (!window.confirm(form.getAttribute('data-confirm'))) e.preventDefault()
    })
  })
})
