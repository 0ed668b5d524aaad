'use client';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { Loading } from '@/components/ui/states';
import { ApiError, api, setApiBase } from './api';
import { liveUrlFor } from './live';
import type { DashboardConfig } from './types';

export interface DashboardState {
  ready: boolean;
  config: DashboardConfig;
  /** The socket's URL (its credential is added on each connect), or null when there is none. */
  liveUrl: string | null;
}

const LOCAL: DashboardConfig = { apiUrl: '', liveUrl: null, auth: 'none', demo: false };
const Context = createContext<DashboardState>({ ready: false, config: LOCAL, liveUrl: null });

/**
 * Reads `GET /v1/config` first (where the API and the socket are, whether sign-in is on, whether the
 * demo model is thinking). A host without that route is the local host: same origin, its own socket.
 */
export function DashboardConfigProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<DashboardState>({ ready: false, config: LOCAL, liveUrl: null });
  useEffect(() => {
    (async () => {
      let config = LOCAL;
      try {
        config = { ...LOCAL, ...(await api.config()) };
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) console.warn('GET /v1/config failed', e);
        // Without the config route the demo flag comes from the models view.
        config = {
          ...LOCAL,
          demo: await api.models().then(
            (m) => m.demo,
            () => false,
          ),
        };
      }
      setApiBase(config.apiUrl);
      setState({ ready: true, config, liveUrl: liveUrlFor(config.liveUrl) });
    })();
  }, []);
  // Nothing asks the API before the config says where it is (on AWS, `apiUrl`), and no page loads
  // twice: a form filled after a first answer is never reset by a second.
  return (
    <Context.Provider value={state}>
      {state.ready ? children : <Loading what="the dashboard" />}
    </Context.Provider>
  );
}

export function useDashboard(): DashboardState {
  return useContext(Context);
}
