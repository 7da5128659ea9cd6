-- Run once by the postgres image on its first start (empty data volume): one database per
-- service, because no service reads another's tables.
CREATE DATABASE intake;
CREATE DATABASE assessment;
CREATE DATABASE referral;
CREATE DATABASE notifications;
CREATE DATABASE portal;
