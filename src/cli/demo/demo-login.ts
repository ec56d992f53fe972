/** The demo's sign-in (`billsync demo`, the screenshots). */
export const DEMO_LOGIN = { email: 'demo@billsync.example', password: 'billsync-demo' };
