-- The IP history by subscriber MAC (ppp sessions --mac): Calling-Station-Id
-- as the NAS sent it, looked up as written.
CREATE INDEX ppp_session_calling ON ppp_session (calling_station, start_us);
