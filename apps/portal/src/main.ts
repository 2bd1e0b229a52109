document.getElementById('app')!.textContent = 'Pushrail';
