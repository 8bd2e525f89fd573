// Starts Microsoft's web chat client against this server's Direct Line (embedded or Azure).
(async function start() {
  const errorBox = document.getElementById('chat-error');
  try {
    const res = await fetch('/api/webchat/token', { method: 'POST', headers: { 'content-type': 'application/json' } });
    if (!res.ok) throw new Error('token ' + res.status);
    const session = await res.json();
    const directLine = window.WebChat.createDirectLine({
      token: session.token,
      domain: session.domain,
      webSocket: session.webSocket,
      pollingInterval: session.pollingInterval,
    });
    window.WebChat.renderWebChat(
      {
        directLine,
        userID: session.userId,
        locale: 'en-GB',
        styleOptions: {
          accent: '#005a9c',
          bubbleBackground: '#f3f2f1',
          bubbleFromUserBackground: '#dbe9f6',
          bubbleMaxWidth: 640,
          hideUploadButton: true,
          sendBoxTextWrap: true,
          suggestedActionLayout: 'flow',
          primaryFont: "Arial, 'Helvetica Neue', Helvetica, sans-serif",
          subtle: '#505050',
          timestampColor: '#505050',
        },
      },
      document.getElementById('webchat'),
    );
    document.querySelector('#webchat input, #webchat textarea')?.focus();
  } catch (error) {
    errorBox.hidden = false;
    errorBox.textContent = 'Sorry, the chat could not start. Please refresh the page, or contact DEAL by phone.';
  }
})();
