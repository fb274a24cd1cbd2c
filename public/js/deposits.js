// Optional: when a desk reader has typed a complete MRZ (2 × 44, 2 × 36 or 3 × 30 characters),
// press "read MRZ" for the clerk. Without JavaScript the clerk presses the button; the server does
// the same parsing either way.
document.addEventListener('DOMContentLoaded', () => {
  const box = document.getElementById('mrz')
  const button = document.querySelector('button[name="action"][value="readMrz"]')
  if (!box || !button) return
  let timer = null
  const complete = (text) => {
    const lines = text
      .toUpperCase()
      .split(/\r?\n/)
      .map((l) => l.replace(/\s+/g, ''))
      .filter((l) => l !== '')
    const lengths = lines.map((l) => l.length).join(',')
    return ['44,44', '36,36', '30,30,30'].includes(lengths)
  }
  box.addEventListener('input', () => {
    clearTimeout(timer)
    // Readers type fast; wait for a short pause so the last line is whole.
    timer = setTimeout(() => {
      if (complete(box.value)) button.click()
    }, 400)
  })
})
