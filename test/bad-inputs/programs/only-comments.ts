// TODO: declare the cloud
/* nothing yet */
