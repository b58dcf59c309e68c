// A program that exports a number and declares no Cloud.
export default 42;
