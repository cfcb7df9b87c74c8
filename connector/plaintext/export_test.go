package plaintext

// CheckWithTool lets the external tests have the real tools judge a file.
var CheckWithTool = checkWithTool

// RunTool lets the external tests run a real tool.
var RunTool = runTool
