/**
 * An SDK JSON type with the fields where Clerk's wire differs from the SDK's declaration replaced
 * (`Changes`) or dropped (`Dropped`). Each use names the fields and why, checked against what the
 * SDKs' `fromJSON` read; everything else stays exactly the SDK's type.
 */
export type Amended<SdkJSON, Changes, Dropped extends keyof SdkJSON = never> = Omit<SdkJSON, keyof Changes | Dropped> & Changes;
