// Errors of the EC2 Query protocol layer, as data. The texts follow the messages EC2 returns
// (e.g. "The parameter Foo is not recognized", "Value (abc) for parameter FromPort is invalid. Expected: 'Integer'.").

export type Ec2ProtocolErrorCode = 'UnknownParameter' | 'MissingParameter' | 'InvalidParameterValue';

export class Ec2ProtocolError extends Error {
  override readonly name = 'Ec2ProtocolError';
  /** Every protocol error is the client's mistake. */
  readonly status = 400;
  constructor(
    readonly code: Ec2ProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const ProtocolErrors = {
  unknownParameter: (name: string) => new Ec2ProtocolError('UnknownParameter', `The parameter ${echo(name)} is not recognized`),
  missingParameter: (name: string) =>
    new Ec2ProtocolError('MissingParameter', `The request must contain the parameter ${name}`),
  invalidType: (name: string, value: string, expected: string) =>
    new Ec2ProtocolError('InvalidParameterValue', `Value (${echo(value)}) for parameter ${name} is invalid. Expected: '${expected}'.`),
  invalidEnum: (name: string, value: string, allowed: readonly string[]) =>
    new Ec2ProtocolError(
      'InvalidParameterValue',
      // Long enumerations (InstanceType has hundreds of values) are not spelled out.
      `Value (${echo(value)}) for parameter ${name} is invalid.` +
        (allowed.length <= 20 ? ` Expected one of: ${allowed.join(', ')}.` : ''),
    ),
  invalidListIndex: (name: string, index: string, max: number) =>
    new Ec2ProtocolError(
      'InvalidParameterValue',
      `The parameter ${name} has an invalid list index (${index}): indexes are integers from 1 to ${max}.`,
    ),
  tooManyParameters: (max: number) =>
    new Ec2ProtocolError('InvalidParameterValue', `The request has more than ${max} parameters.`),
} as const;

/** A client's value quoted back in a message, cut short so a huge parameter cannot make a huge error. */
function echo(value: string): string {
  return value.length > 256 ? `${value.slice(0, 256)}...` : value;
}
