import verifySignature from './verify-signature';

export default { 'verify-signature': verifySignature };
