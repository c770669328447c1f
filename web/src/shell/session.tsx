import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, onUnauthenticated } from './api';
import { hasPermission } from './permissions';

/** GET /v1/me as the server answers it. */
export interface Me {
  user: { id: string; email: string; name: string; locale: string; totp_enabled: boolean };
  organisations: { id: string; name: string; kind: string; country: string | null; role: string }[];
  current_org_id: string | null;
  role: string | null;
  permissions: string[];
}

export type SessionStatus = 'loading' | 'anonymous' | 'mfa' | 'signed-in';

interface SessionValue {
  status: SessionStatus;
  me: Me | null;
  /** The organisation the session acts for (null: none chosen or none exists). */
  organisation: Me['organisations'][number] | null;
  /** Re-read /v1/me (after sign-in, profile or membership changes). */
  refresh(): Promise<Me | null>;
  can(permission: string | undefined): boolean;
  switchOrganisation(orgId: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SessionStatus>('loading');
  const [me, setMe] = useState<Me | null>(null);
  const statusRef = useRef(status);
  statusRef.current = status;

  const refresh = useCallback(async () => {
    try {
      const m = await api.get<Me>('/v1/me');
      setMe(m);
      setStatus('signed-in');
      return m;
    } catch (e) {
      setMe(null);
      if (e instanceof ApiError && e.code === 'mfa_required') setStatus('mfa');
      else if (e instanceof ApiError && e.status === 401) setStatus('anonymous');
      else {
        setStatus('anonymous');
        throw e;
      }
      return null;
    }
  }, []);

  useEffect(() => {
    refresh().catch(() => {});
  }, [refresh]);

  // Any call that finds the session gone (expired, signed out elsewhere) ends it here too.
  useEffect(
    () =>
      onUnauthenticated((e) => {
        if (e.code === 'unauthenticated' && statusRef.current === 'signed-in') {
          setMe(null);
          setStatus('anonymous');
        }
      }),
    [],
  );

  const value = useMemo<SessionValue>(() => {
    const organisation = me?.organisations.find((o) => o.id === me.current_org_id) ?? null;
    return {
      status,
      me,
      organisation,
      refresh,
      can: (p) => !!me && hasPermission(me.permissions, p),
      async switchOrganisation(orgId) {
        await api.post('/v1/session/organisation', { org_id: orgId });
        await refresh();
      },
      async signOut() {
        try {
          await api.post('/v1/auth/logout');
        } finally {
          setMe(null);
          setStatus('anonymous');
        }
      },
    };
  }, [status, me, refresh]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside <SessionProvider>');
  return v;
}
