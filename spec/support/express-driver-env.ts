// The jest project "express": the demo specs run against the demo on routing-controllers' Express driver.
process.env.DEMO_DRIVER = 'express';
