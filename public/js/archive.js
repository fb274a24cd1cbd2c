// Archive: reads a chosen JRWA CSV file into the text box (the page works without this: paste it).
document.addEventListener('DOMContentLoaded', () => {
  const loader = document.querySelector('[data-csv-loader]')
  if (!loader) return
  const input = loader.querySelector('input[type="file"]')
  const status = loader.querySelector('[data-csv-status]')
  const target = document.getElementById(input.getAttribute('data-target'))
  loader.hidden = false
  input.addEventListener('change', () => {
    const file = input.files && input.files[0]
    if (!file) return
    const reader = new window.FileReader()
    reader.onload = () => {
      const text = String(reader.result)
      // A file saved as Windows-1250 shows up with replacement characters instead of Polish letters.
      if (text.includes('\uFFFD')) {
        status.textContent = input.getAttribute('data-not-utf8')
        return
      }
      status.textContent = ''
      target.value = text
    }
    reader.readAsText(file, 'utf-8')
  })
})
