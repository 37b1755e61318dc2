/** Storage enums; the GraphQL enums mirror them in src/graphql. */
export enum AccountKind {
  MSP = 'MSP',
  CUSTOMER = 'CUSTOMER',
  STANDALONE = 'STANDALONE',
}

/** What is stored; FREEMIUM is derived (a TRIAL whose end has passed). */
export enum StoredPlan {
  PAID = 'PAID',
  TRIAL = 'TRIAL',
}

export enum ApiKeyRole {
  MSP_ADMIN = 'MSP_ADMIN',
  MSP_READ = 'MSP_READ',
  STAFF = 'STAFF',
  APP = 'APP',
}

export enum SupportRequestKind {
  UPGRADE = 'UPGRADE',
  TRIAL_EXTENSION = 'TRIAL_EXTENSION',
  REMOVAL = 'REMOVAL',
}

export enum SupportRequestStatus {
  OPEN = 'OPEN',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}
