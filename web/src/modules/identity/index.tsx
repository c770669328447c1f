import type { ConsoleModule } from '../../shell/types';
import { ApiKeysPage } from './ApiKeys';
import { AuditPage } from './Audit';
import { AcceptInvitationPage, ForgotPasswordPage, ResetPasswordPage, SignInPage, SignUpPage } from './AuthPages';
import ar from './i18n/ar.json';
import en from './i18n/en.json';
import zhCN from './i18n/zh-CN.json';
import { MembersPage } from './Members';
import { OrganisationPage } from './Organisation';
import { ProfilePage } from './Profile';

/** Accounts, organisations, members, API keys, audit log — and the public sign-in pages. */
export const consoleModule: ConsoleModule = {
  name: 'identity',
  nav: [
    { path: '/organisation', label: { en: 'Organisation', 'zh-CN': '组织', ar: 'المؤسسة' }, permission: 'identity:read', order: 900 },
    { path: '/members', label: { en: 'Members & roles', 'zh-CN': '成员与角色', ar: 'الأعضاء والأدوار' }, permission: 'identity:read', order: 910 },
    { path: '/api-keys', label: { en: 'API keys', 'zh-CN': 'API 密钥', ar: 'مفاتيح API' }, permission: 'identity:admin', order: 920 },
    { path: '/audit', label: { en: 'Audit log', 'zh-CN': '审计日志', ar: 'سجل التدقيق' }, permission: 'audit:read', order: 950 },
  ],
  routes: [
    { path: '/organisation', element: <OrganisationPage /> },
    { path: '/members', element: <MembersPage /> },
    { path: '/api-keys', element: <ApiKeysPage /> },
    { path: '/audit', element: <AuditPage /> },
    { path: '/profile', element: <ProfilePage /> },
  ],
  publicRoutes: [
    { path: '/login', element: <SignInPage /> },
    { path: '/signup', element: <SignUpPage /> },
    { path: '/forgot-password', element: <ForgotPasswordPage /> },
    { path: '/reset-password', element: <ResetPasswordPage /> },
    { path: '/accept-invitation', element: <AcceptInvitationPage /> },
  ],
  messages: { en, 'zh-CN': zhCN, ar },
};
