/** An AWS region code (us-east-1, ap-southeast-2, us-gov-west-1): the one pattern fleets, flags and price refreshes check. */
export const AWS_REGION_CODE = /^[a-z]{2}(-[a-z]+)+-\d+$/;
