import { ProgressDBProvider } from '@progressdb/react'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.js'
import { createChatClient } from './session.js'

const userId = new URLSearchParams(location.search).get('user') ?? 'alice'
const root = createRoot(document.getElementById('root')!)

createChatClient(userId).then(
  (client) =>
    root.render(
      <StrictMode>
        <ProgressDBProvider client={client}>
          <App userId={userId} />
        </ProgressDBProvider>
      </StrictMode>,
    ),
  (error: unknown) => root.render(<p className="error">{String(error)}</p>),
)
