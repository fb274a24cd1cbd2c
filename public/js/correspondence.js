// Registry entry form: sender search-as-you-type from the sender directory. The form works the same
// without this script (the clerk types the sender, or picks one on the sender directory page).
document.addEventListener('DOMContentLoaded', () => {
  const form = document.querySelector('form[data-sender-lookup]')
  if (!form) return
  const url = form.getAttribute('data-sender-lookup')
  const name = form.querySelector('#senderName')
  const list = document.getElementById('sender-options')
  const csrf = form.querySelector('input[name="_csrf"]')
  const senderId = form.querySelector('#senderId')
  if (!name || !list || !csrf || !senderId) return
  const fields = {
    kind: form.querySelector('#senderKind'),
    address: form.querySelector('#senderAddress'),
    email: form.querySelector('#senderEmail'),
    epuap_address: form.querySelector('#senderEpuap'),
    edelivery_address: form.querySelector('#senderEdelivery'),
  }
  let found = []
  let timer = null
  let lastQuery = ''

  const label = (s) => (s.address ? `${s.name} – ${s.address}` : s.name)

  const pick = () => {
    const chosen = found.find((s) => label(s) === name.value || s.name === name.value)
    if (!chosen) {
      senderId.value = ''
      return
    }
    senderId.value = String(chosen.id)
    name.value = chosen.name
    for (const [key, input] of Object.entries(fields)) if (input) input.value = chosen[key] ?? ''
  }

  const lookup = async () => {
    const q = name.value.trim()
    if (q.length < 2 || q === lastQuery) return
    lastQuery = q
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf.value },
        body: JSON.stringify({ q }),
        credentials: 'same-origin',
      })
      if (!res.ok) return
      found = (await res.json()).senders || []
      list.replaceChildren(
        ...found.map((s) => {
          const option = document.createElement('option')
          option.value = label(s)
          return option
        }),
      )
    } catch {
      // The directory is a convenience; typing the sender by hand still works.
    }
  }

  name.addEventListener('input', () => {
    senderId.value = ''
    clearTimeout(timer)
    timer = setTimeout(lookup, 200)
    pick()
  })
  name.addEventListener('change', pick)
})
