// Starts Microsoft's web chat client against this server's Direct Line (embedded or Azure).
(async function start() {
  const errorBox = document.getElementById('chat-error');

  /**
   * A new answer is shown from its top, not its bottom: the card's title first (a long card
   * on a phone would otherwise open at its contacts and "Read more"). The first message of
   * the bot's reply is scrolled to the top of the transcript once it is drawn.
   */
  let pendingTop = null;
  function scrollAnswerToTop() {
    const id = pendingTop;
    pendingTop = null;
    const scroller = document.querySelector('#webchat .webchat__basic-transcript__scrollable');
    if (!scroller || !id) return;
    const items = scroller.querySelectorAll('.webchat__basic-transcript__activity');
    // Web chat draws activities in order; the reply's first bot message is the first after the person's last one.
    let target = null;
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if (item.querySelector('.webchat__stacked-layout--from-user, .webchat__bubble--from-user')) break;
      target = item;
    }
    if (!target) return;
    const top = target.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
    // Only when the reply is taller than the window: a short one is already in view at the bottom.
    if (scroller.scrollHeight - top > scroller.clientHeight) scroller.scrollTop = Math.max(0, top - 8);
  }

  const store = window.WebChat.createStore({}, () => (next) => (action) => {
    if (action.type === 'DIRECT_LINE/POST_ACTIVITY') {
      // Once the chat has started, the header and notice shrink to one line each.
      document.body.classList.add('chat-started');
    }
    if (action.type === 'DIRECT_LINE/INCOMING_ACTIVITY') {
      const activity = action.payload && action.payload.activity;
      if (activity && activity.type === 'message' && activity.from && activity.from.role === 'bot' && document.body.classList.contains('chat-started')) {
        if (!pendingTop) {
          pendingTop = activity.id || 'reply';
          // After web chat has drawn it and its own animated scroll to the bottom has come to rest
          // (at the bottom, and still for two checks), or after 3 s at most.
          let last = -1;
          let still = 0;
          let tries = 0;
          const tick = () => {
            const scroller = document.querySelector('#webchat .webchat__basic-transcript__scrollable');
            if (!scroller) return;
            const atBottom = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2;
            still = atBottom && scroller.scrollTop === last ? still + 1 : 0;
            last = scroller.scrollTop;
            if (still >= 2 || ++tries > 30) return scrollAnswerToTop();
            setTimeout(tick, 100);
          };
          setTimeout(tick, 100);
        }
      }
    }
    return next(action);
  });

  // A card button (Action.Submit, a postBack) shows what was chosen as the person's own message,
  // as suggested actions already do (messageBack with displayText): the value sent is the same.
  const cardActionMiddleware = () => (next) => (args) => {
    const { cardAction } = args;
    if (cardAction && cardAction.type === 'postBack' && typeof cardAction.title === 'string' && cardAction.title) {
      return next({ ...args, cardAction: { ...cardAction, type: 'messageBack', displayText: cardAction.title, text: '' } });
    }
    return next(args);
  };

  // Web chat hides a messageBack whose text is empty even when it has a displayText (our buttons send
  // their meaning as the value, not as text): show the displayText as the person's own message.
  const activityMiddleware = () => (next) => (...args) => {
    const card = args[0];
    const activity = card && card.activity;
    const shown = activity && activity.type === 'message' && activity.channelData && activity.channelData.messageBack && activity.channelData.messageBack.displayText;
    if (shown && !activity.text) args[0] = { ...card, activity: { ...activity, text: shown } };
    return next(...args);
  };

  const phone = window.matchMedia('(max-width: 30rem)').matches;

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
        store,
        cardActionMiddleware,
        activityMiddleware,
        userID: session.userId,
        locale: 'en-GB',
        styleOptions: {
          accent: '#005a9c',
          bubbleBackground: '#f3f2f1',
          bubbleFromUserBackground: '#dbe9f6',
          bubbleMaxWidth: 640,
          hideUploadButton: true,
          sendBoxTextWrap: true,
          // On a phone the suggestions scroll in a short strip (about two and a half buttons), so the answer keeps the screen.
          ...(phone
            ? { suggestedActionLayout: 'stacked', suggestedActionsStackedHeight: 136, suggestedActionsStackedOverflow: 'scroll', suggestedActionsStackedLayoutButtonTextWrap: true }
            : { suggestedActionLayout: 'flow' }),
          primaryFont: "Arial, 'Helvetica Neue', Helvetica, sans-serif",
          subtle: '#505050',
          timestampColor: '#505050',
          // Visible keyboard focus on web chat's own controls (WCAG 2.2 focus appearance); styles.css adds the rest.
          sendBoxButtonKeyboardFocusIndicatorBorderColor: '#0b0c0c',
          sendBoxButtonKeyboardFocusIndicatorBorderWidth: 3,
          suggestedActionKeyboardFocusIndicatorBorderColor: '#0b0c0c',
          suggestedActionKeyboardFocusIndicatorBorderWidth: 3,
          suggestedActionsVisualKeyboardIndicatorColor: '#0b0c0c',
          suggestedActionsVisualKeyboardIndicatorWidth: 3,
          transcriptVisualKeyboardIndicatorColor: '#0b0c0c',
          transcriptVisualKeyboardIndicatorWidth: 3,
          transcriptActivityVisualKeyboardIndicatorColor: '#0b0c0c',
          transcriptActivityVisualKeyboardIndicatorWidth: 3,
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
