/* stub: in progress */
