// The phishing module's public face: exercises (four-eyes approval, rate-limited SMTP sending, signed links) and
// their results.
export { linkToken, phishingLinkKey, verifyLinkToken } from './links.ts';
export * from './phishing.input.ts';
export { registerPhishingRoutes } from './phishing.routes.ts';
export { phishingCampaigns, phishingRecipients } from './phishing.schema.ts';
export {
  approveCampaign,
  cancelCampaign,
  createCampaign,
  launchCampaign,
  phishingSummary,
  recordPhishingEvent,
} from './phishing.service.ts';
export { registerPhishingPublicRoutes } from './public.ts';
export {
  type PhishingMailer,
  phishingSmtpMailer,
  registerPhishingSender,
  sendPhishingMails,
} from './sender.ts';
